"""Calibration: a team's own records (CRM deals, stages, activities, team) become a scenario.

Pure: DataFrames in, fits and a scenario out; file reading and the command live in teamsim.
"""
