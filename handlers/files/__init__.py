"""Files a reply carries: charts (matplotlib) and spreadsheets (openpyxl), drawn in a worker process."""
