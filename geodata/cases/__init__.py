"""The case loop: taking cases in, moving them through the loop, finding them, and the catalogue."""
