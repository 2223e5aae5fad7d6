"""Check-in models: CheckInList, CheckIn (an append-only log), ScanLog and Device."""

__all__: list[str] = []
