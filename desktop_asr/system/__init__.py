"""The operating system and desktop session, without Qt: start at login, and (to come) the
session kind, desktop portals and text-delivery backends."""
