"""The administrative map: `org load` (the July 2025 map from the `vietnam-provinces` package, each commune with
the units of `content/data/units.yaml`) and `org import` (a province's own spreadsheet of communes and units)."""
