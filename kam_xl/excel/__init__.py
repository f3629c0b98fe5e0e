"""Excel adapters: cell values to frames and back (UDFs), and the refresh
macro run inside Excel. May import everything below app; never the app layer."""
