"""Province scores, comparisons, plan targets against results, 2025 mergers and score charts."""
