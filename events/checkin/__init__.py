"""Check-in at the door: lists, devices, scans and the live arrivals (models in the events app)."""
