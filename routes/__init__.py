"""Plain Flask routes beside the Dash app: health, the map's tiles and glyphs, exports, imports."""
