"""The analysts' workbench: its query, its SQL, hot spots and exports."""
