"""BackCare: guided back-care routines for the desktop."""

__version__ = "0.1.0"
