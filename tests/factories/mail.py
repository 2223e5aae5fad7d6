"""Mail servers for tests that are not our code to mock: a server that is down."""


class BrokenEmailBackend:
    """A mail server that is down: every send raises, like smtplib on a refused connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")

    def open(self):
        return None

    def close(self):
        return None
