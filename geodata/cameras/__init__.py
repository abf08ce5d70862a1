"""Cameras as devices: the status feed of a video platform (GB/T 28181 or a VMS) and what follows
from it (geodata/cameras/status.py)."""
