"""No API endpoints yet: preferences are set on the settings page (notifications.views)."""
