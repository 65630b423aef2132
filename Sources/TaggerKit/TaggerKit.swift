@_exported import MIME
@_exported import Features
@_exported import Model
