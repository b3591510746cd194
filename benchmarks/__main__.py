"""`make bench`: prints figures; nothing here is a pass/fail test."""

from benchmarks import search_bench

search_bench.main()
