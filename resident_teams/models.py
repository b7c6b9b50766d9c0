"""Models of the 驻村帮扶 app."""
