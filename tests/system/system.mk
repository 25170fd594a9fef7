system:
