"""ic_sdk."""
