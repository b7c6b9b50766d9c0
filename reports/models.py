"""Models of the 报表 app."""
