"""Pure geometry helpers on shapely (no Flask): GeoJSON in and out, validation, bbox, zone lookup."""
