"""Plans as data a province loads: read a template or a Word table, check it, preview it, publish it (README,
"Kế hoạch của tỉnh"); `active.py` says which plans assign tasks on a given day."""
