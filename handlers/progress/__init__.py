"""Who has reported: /tiendo (list and chart by commune) and /xuat (the Excel picture)."""
