"""Synovia: an open evidence platform for osteoarthritis injection treatments."""

__version__ = "0.1.0"
