"""Models of the 问题整改 app."""
