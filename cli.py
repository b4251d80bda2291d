#!/usr/bin/env python3
"""Run vnstats from a source checkout without installing it: python cli.py extract FILE"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vnstats.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
