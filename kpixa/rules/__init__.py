"""The rules kpixa applies, stated once in plain Python without Django (docs/rules.md)."""
