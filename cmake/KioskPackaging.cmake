# Debian packages, one per program group, made by CPack from the install
# rules (COMPONENT ...). `make packages` builds them in the package preset
# (Release, no simulators, prefix /usr); the packages test makes them from
# the development build to check their contents and units.
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk-app kiosk-agent kiosk-tools kiosk-gateway)
set(CPACK_PACKAGE_NAME dvc-kiosk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "DVC kiosk project")
set(CPACK_PACKAGE_CONTACT "DVC kiosk team <kiosk-team@example.invalid>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Self-service kiosk for Vietnam's online public services")

set(image ${PROJECT_SOURCE_DIR}/firmware/image/debian)
set(CPACK_DEBIAN_KIOSK-APP_PACKAGE_NAME kiosk-app)
set(CPACK_DEBIAN_KIOSK-APP_DESCRIPTION
    "DVC kiosk: the citizen's screen (chip ID card, forms, scanning, fees, receipts)")
set(CPACK_DEBIAN_KIOSK-APP_PACKAGE_DEPENDS
    "pcscd, libccid, fonts-noto-core, tesseract-ocr-vie, tesseract-ocr-eng, espeak-ng-data, hunspell-vi, systemd")
set(CPACK_DEBIAN_KIOSK-APP_PACKAGE_CONTROL_EXTRA
    "${image}/kiosk-app/postinst;${image}/kiosk-app/prerm;${image}/kiosk-app/conffiles")

set(CPACK_DEBIAN_KIOSK-AGENT_PACKAGE_NAME kiosk-agent)
set(CPACK_DEBIAN_KIOSK-AGENT_DESCRIPTION
    "DVC kiosk: agent (dossier delivery, heartbeats, commands, board, signed A/B updates)")
set(CPACK_DEBIAN_KIOSK-AGENT_PACKAGE_DEPENDS "kiosk-tools (= ${PROJECT_VERSION}), rauc, rauc-service, systemd")
set(CPACK_DEBIAN_KIOSK-AGENT_PACKAGE_CONTROL_EXTRA
    "${image}/kiosk-agent/postinst;${image}/kiosk-agent/prerm;${image}/kiosk-agent/conffiles")

set(CPACK_DEBIAN_KIOSK-TOOLS_PACKAGE_NAME kiosk-tools)
set(CPACK_DEBIAN_KIOSK-TOOLS_DESCRIPTION
    "DVC kiosk: technician's tools (kiosk-provision, self-tests, card and scan checks)")

set(CPACK_DEBIAN_KIOSK-GATEWAY_PACKAGE_NAME kiosk-gateway)
set(CPACK_DEBIAN_KIOSK-GATEWAY_DESCRIPTION
    "DVC kiosk gateway: dossier intake, VietQR, fleet desk, updates and dashboard")
set(CPACK_DEBIAN_KIOSK-GATEWAY_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_KIOSK-GATEWAY_PACKAGE_CONTROL_EXTRA
    "${image}/kiosk-gateway/postinst;${image}/kiosk-gateway/prerm;${image}/kiosk-gateway/conffiles")
include(CPack)
