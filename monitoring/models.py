"""Models of the 防止返贫监测 app."""
