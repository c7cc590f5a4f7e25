"""Pure converters from domain objects to open formats; a format registry is added by the open-data issue."""
