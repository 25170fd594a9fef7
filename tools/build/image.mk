IMAGE := $(BUILD)/hv-usb.img
image:
