"""`make bench`: prints figures, each beside the reference it is a ratio to; nothing here is a pass/fail test."""

from benchmarks import (
    answers_bench,
    broadcast_bench,
    chart_bench,
    load_bench,
    org_bench,
    outbox_bench,
    people_bench,
    plan_bench,
    reports_bench,
    scale_bench,
    search_bench,
    workers_bench,
)

search_bench.main()
answers_bench.main()
load_bench.main()
scale_bench.main()
org_bench.main()
people_bench.main()
plan_bench.main()
reports_bench.main()
outbox_bench.main()
broadcast_bench.main()
chart_bench.main()
workers_bench.main()
