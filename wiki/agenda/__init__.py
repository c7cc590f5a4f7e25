"""Agenda: events with a schedule, recurrence rules and their expansion into occurrences.

``rules`` reads, writes, checks and describes RRULE text; ``recurrence`` expands a
schedule into dated occurrences. Both are pure; feeds live in ``wiki.exports.ical``
and the .ics reader in ``importers.ical_events``.
"""
