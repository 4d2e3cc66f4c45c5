"""gknb (公开年报): read, parse, check and publish government information-disclosure annual reports."""

__version__ = "0.1.0"
