"""The REST API (DRF): the same access helpers and services as the pages, for units that feed
their figures from their own systems and for dashboards elsewhere on the intranet."""
