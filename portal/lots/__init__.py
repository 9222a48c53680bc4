"""Lots: the types of service the framework buys. Admissions are per lot."""
