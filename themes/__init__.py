"""Theme folders (templates and static files); read through the filesystem by wiki.theming."""
