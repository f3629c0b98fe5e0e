"""Workbooks for people to fill: the template, its examples sheet and the demo
data. May import everything below app."""
