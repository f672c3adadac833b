"""Task progress: reports, the category of every task as of a day, periods of recurring tasks, reminders, reports.

The category rule (:func:`geo.progress.categories.category`) is written once here and used by
the view, the map, the dashboard, the quarterly report and the command line.
"""
