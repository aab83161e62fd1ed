"""Widgets for coach's screens (pointer cards, the soft timer, notices)."""
