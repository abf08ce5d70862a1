"""The deterministic demo city: territory, points, cases and names."""
