"""What the App does for its screens, one object per job, composed into the App (not mixed in).

Each controller holds a reference to the App for what only the App can do (notify, push a
screen, run an app-lifetime worker) and takes its services from the Session. Workers run on the
App, so closing the screen that asked never cancels a save half-way.
"""
