"""Reading: open the database read-only and ask it every question a face asks. Stdlib only."""
