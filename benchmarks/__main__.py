"""`make bench`: prints figures; nothing here is a pass/fail test."""

from benchmarks import reports_bench, search_bench

search_bench.main()
reports_bench.main()
