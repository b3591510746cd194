"""`make bench`: prints figures; nothing here is a pass/fail test."""

from benchmarks import broadcast_bench, chart_bench, outbox_bench, reports_bench, search_bench

search_bench.main()
reports_bench.main()
outbox_bench.main()
broadcast_bench.main()
chart_bench.main()
