"""`make bench`: prints figures; nothing here is a pass/fail test."""

from benchmarks import chart_bench, reports_bench, search_bench

search_bench.main()
reports_bench.main()
chart_bench.main()
