"""The DBS staff register: who works with children, and the checks each has had."""
