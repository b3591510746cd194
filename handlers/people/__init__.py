"""People for admins: /nguoidung and /thuhoi; a Sở's list of officials (`people import`)."""
