"""Models of the 数据看板 app."""
