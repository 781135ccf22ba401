"""The Streamlit entry file, alone in its folder: Streamlit puts the entry's folder on sys.path, and this one holds nothing that could shadow another module."""
