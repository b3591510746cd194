"""Answers from the curated knowledge base: PAPI structure, disclosure, plans, FAQ, and search over them."""
