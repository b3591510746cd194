"""Broadcasts from Sở Nội vụ: audiences, the /thongbao flow and delivery reports."""
