"""Models of the 帮扶资源 app."""
