import VirtSystem
